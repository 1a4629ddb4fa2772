"""The lesson's converter, as the lesson writes it: one patient file to CSV with ISO dates and
the code's description. Kept for the benchmark (bench/diabetes-throughput.ts), and as the thing
examples/diabetes/pipeline.ts replaces. Its faults are the lesson's, on purpose:

- a code that is not in the list ends the file (`break`) and the script still exits 0: on the
  UCI data, 27 of the 70 files are cut short and 7,286 lines lost without a word;
- a date that does not exist, an empty line or a line without four fields raises an exception
  and leaves a half-written CSV; hours such as 56:35 and values such as 0Hi pass unchecked.

    python3 convert.py IN OUT
"""
import csv
import sys
from datetime import datetime

CODES = {
    '33': 'Regular insulin dose',
    '34': 'NPH insulin dose',
    '35': 'UltraLente insulin dose',
    '48': 'Unspecified blood glucose measurement',
    '57': 'Unspecified blood glucose measurement',
    '58': 'Pre-breakfast blood glucose measurement',
    '59': 'Post-breakfast blood glucose measurement',
    '60': 'Pre-lunch blood glucose measurement',
    '61': 'Post-lunch blood glucose measurement',
    '62': 'Pre-supper blood glucose measurement',
    '63': 'Post-supper blood glucose measurement',
    '64': 'Pre-snack blood glucose measurement',
    '65': 'Hypoglycemic symptoms',
    '66': 'Typical meal ingestion',
    '67': 'More-than-usual meal ingestion',
    '68': 'Less-than-usual meal ingestion',
    '69': 'Typical exercise activity',
    '70': 'More-than-usual exercise activity',
    '71': 'Less-than-usual exercise activity',
    '72': 'Unspecified special event',
}


def convert(in_path, out_path):
    with open(in_path) as infile, open(out_path, 'w', newline='') as outfile:
        writer = csv.writer(outfile)
        writer.writerow(['date', 'time', 'code', 'description', 'value'])
        for line in infile:
            date, time, code, value = line.rstrip('\n').split('\t')
            if code not in CODES:
                break
            day = datetime.strptime(date, '%m-%d-%Y')
            writer.writerow([day.strftime('%Y-%m-%d'), time, code, CODES[code], value])


if __name__ == '__main__':
    convert(sys.argv[1], sys.argv[2])
