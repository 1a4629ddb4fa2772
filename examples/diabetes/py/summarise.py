"""Step 4, `summary`: the ledgers as one summary.csv, checked against rejects.csv as written.

    python3 summarise.py REJECTS OUTPUT LEDGER...
"""
import csv
import io
import sys
from collections import Counter

from diabetes import LEDGER_HEADER, REJECTS_HEADER, text


def main():
    rejects_path, output, *ledgers = sys.argv[1:]
    rows = []
    for ledger in ledgers:
        with open(ledger, 'rb') as handle:
            rows.append(handle.read())
    with open(rejects_path, 'rb') as handle:
        rejects = handle.read()
    if not rejects.startswith(REJECTS_HEADER):
        raise SystemExit(f'{rejects_path} does not start with the header {text(REJECTS_HEADER).strip()}')
    counted = Counter(row[0] for row in csv.reader(io.StringIO(text(rejects[len(REJECTS_HEADER):]), newline='')))
    problems = []
    for row in rows:
        fields = next(csv.reader(io.StringIO(text(row), newline='')))
        file, expected = fields[0], fields[3]
        found = counted.pop(file, 0)
        if str(found) != expected:
            problems.append(f'{file} has {found} rows in rejects.csv, and its ledger counted {expected}')
    for file, count in counted.items():
        problems.append(f'rejects.csv has {count} rows for {file}, which has no ledger')
    if problems:
        raise SystemExit(f'rejects.csv does not match the ledgers: {"; ".join(problems[:10])}')
    with open(output, 'wb') as handle:
        handle.write(LEDGER_HEADER + b''.join(rows))


if __name__ == '__main__':
    main()
