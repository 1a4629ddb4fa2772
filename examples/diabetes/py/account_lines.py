"""Step 3, `account`: every input line in the CSV or the rejects exactly once, or fail loudly.

    python3 account_lines.py CODE_LIST RECORDS CSV REJECTS LEDGER

Writes the patient's ledger row, measured on the CSV as written:
`file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose`.
"""
import csv as csvlib
import io
import os
import sys
from decimal import ROUND_HALF_UP, Decimal

from diabetes import CSV_HEADER, count_lines, csv_field, read_code, read_code_list, split_lines, text


def account(records, csv, rejects, glucose, file):
    lines = count_lines(records)
    seen = bytearray(lines + 1)
    problems = []

    def mark(line, where):
        if line < 1 or line > lines:
            problems.append(f'{where} names line {line}, and {file} has {lines}')
        elif seen[line]:
            problems.append(f'line {line} is accounted for twice (again in {where})')
        else:
            seen[line] = 1

    if not csv.startswith(CSV_HEADER):
        raise SystemExit(f'{file}.csv does not start with the header {text(CSV_HEADER).strip()}')
    rows = split_lines(csv[len(CSV_HEADER):], strip_return=False)
    first = last = None
    readings = 0
    total = 0.0
    for index, row in enumerate(rows):
        parts = row.rsplit(b',', 2)
        shaped = (len(parts) == 3 and parts[2].isdigit() and len(parts[2]) < 16 and row[4:5] == b'-' and row[7:8] == b'-'
                  and row[10:11] == b',' and row[13:14] == b':' and row[16:17] == b',' and 17 <= row.find(b',', 17) < len(parts[0]))
        if not shaped:
            problems.append(f'row {index + 1} of {file}.csv is not a converted record: {text(row)}')
            continue
        mark(int(parts[2]), f'row {index + 1} of {file}.csv')
        day = row[0:10]
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
        if read_code(row[17:row.index(b',', 17)]) in glucose:
            readings += 1
            total += float(parts[1])
    rejected = list(csvlib.reader(io.StringIO(text(rejects), newline='')))
    for index, row in enumerate(rejected):
        where = f'reject {index + 1} of {file}'
        if row[0] != file:
            problems.append(f'{where} is about another file: {row[0]}')
        else:
            mark(int(row[1]) if len(row) > 1 and row[1].isdigit() and row[1].isascii() else 0, where)
    missing = [line for line in range(1, lines + 1) if not seen[line]]
    if missing:
        problems.insert(0, f'{len(missing)} of {lines} lines are in neither {file}.csv nor the rejects: lines {format_ranges(missing)}')
    if problems:
        more = f'; and {len(problems) - 10} more problems' if len(problems) > 10 else ''
        raise SystemExit(f'Lines of {file} not accounted for: {"; ".join(problems[:10])}{more}')
    mean = '' if readings == 0 else str(Decimal(total / readings).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))
    dates = ',' if first is None else f'{text(first)},{text(last)}'
    return f'{csv_field(file)},{lines},{len(rows)},{len(rejected)},{dates},{readings},{mean}\n'.encode('latin1')


def format_ranges(lines):
    ranges = []
    start = previous = lines[0]
    for line in lines[1:] + [None]:
        if line is not None and line == previous + 1:
            previous = line
            continue
        ranges.append(str(start) if start == previous else f'{start}-{previous}')
        if line is not None:
            start = previous = line
    listed = ', '.join(ranges[:20])
    return listed + (f', and {len(ranges) - 20} more ranges' if len(ranges) > 20 else '')


def main():
    codes, records_path, csv_path, rejects_path, ledger_path = sys.argv[1:6]
    _, glucose = read_code_list(codes)
    with open(records_path, 'rb') as handle:
        records = handle.read()
    with open(csv_path, 'rb') as handle:
        csv = handle.read()
    with open(rejects_path, 'rb') as handle:
        rejects = handle.read()
    ledger = account(records, csv, rejects, glucose, os.path.basename(records_path))
    with open(ledger_path, 'wb') as handle:
        handle.write(ledger)


if __name__ == '__main__':
    main()
