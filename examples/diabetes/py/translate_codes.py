"""Step 2, `codes`: dated records to the patient's CSV, rejects and ledger.

    python3 translate_codes.py CODE_LIST DATED RECORDS CSV REJECTS LEDGER

CSV: `date,time,code,description,value,line`; rejects (no header): `file,line,reason,record`,
quoting the record as read from RECORDS. Values lose their leading zeros (`009` -> `9`).
Ledger: `file,lines,records,rejects,first_date,last_date,glucose_readings,mean_glucose`, kept as
rows and rejects are written; fails unless every line of RECORDS is in one of them exactly once.
"""
import os
import re
import sys
from decimal import ROUND_HALF_UP, Decimal

from diabetes import CSV_HEADER, LINE_LIMIT, REASONS, VALUE_DIGITS, count_file_lines, csv_field, read_code, read_code_list, read_lines, strip_return, text

NUMBER = re.compile(rb'([0-9]+)(\.[0-9]+)?')


def normalise_value(value):
    """The value without leading zeros, or None when it is not digits with an optional fraction."""
    match = NUMBER.fullmatch(value)
    if match is None:
        return None
    digits = match.group(1)
    first = 0
    while first < len(digits) - 1 and digits[first:first + 1] == b'0':
        first += 1
    return value[first:]


class Ledger:
    """Every input line accounted for exactly once, and the measures the summary reports."""

    def __init__(self, file, lines):
        self.file, self.lines = file, lines
        self.seen = bytearray(lines + 1)
        self.problems = []
        self.rows = self.rejects = self.readings = 0
        self.total = 0.0
        self.first = self.last = None

    def row(self, line, day):
        self.rows += 1
        self._mark(line, f'row {self.rows} of {self.file}.csv')
        self.first = day if self.first is None or day < self.first else self.first
        self.last = day if self.last is None or day > self.last else self.last

    def reading(self, value):
        self.readings += 1
        self.total += value

    def reject(self, line):
        self.rejects += 1
        self._mark(line, f'reject {self.rejects} of {self.file}')

    def _mark(self, line, where):
        if line < 1 or line > self.lines:
            self.problems.append(f'{where} names line {line}, and {self.file} has {self.lines}')
        elif self.seen[line]:
            self.problems.append(f'line {line} is accounted for twice (again in {where})')
        else:
            self.seen[line] = 1

    def close(self):
        file, lines = self.file, self.lines
        problems = self.problems
        missing = [line for line in range(1, lines + 1) if not self.seen[line]]
        if missing:
            problems = [f'{len(missing)} of {lines} lines are in neither {file}.csv nor the rejects: lines {format_ranges(missing)}'] + problems
        if problems:
            more = f'; and {len(problems) - 10} more problems' if len(problems) > 10 else ''
            raise SystemExit(f'Lines of {file} not accounted for: {"; ".join(problems[:10])}{more}')
        mean = '' if self.readings == 0 else str(Decimal(self.total / self.readings).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))
        dates = ',' if self.first is None else f'{text(self.first)},{text(self.last)}'
        return f'{csv_field(file)},{lines},{self.rows},{self.rejects},{dates},{self.readings},{mean}\n'.encode('latin1')


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


class RawLines:
    """Lines of the input file by number, forwards only, streamed: for quoting rejected records
    as read (a line too long comes cut to LINE_LIMIT bytes)."""

    def __init__(self, handle):
        self.lines = read_lines(handle)
        self.number = 0
        self.line = b''

    def read(self, number):
        while self.number < number:
            item = next(self.lines, None)
            if item is None:
                raise SystemExit(f'The input has no line {number}: the dated records do not match it (run the dates step again)')
            line, too_long = item
            self.line = line if too_long else strip_return(line)
            self.number += 1
        return self.line


def translate(dated, raw, lines, descriptions, glucose, file, csv, rejects):
    """Writes the CSV rows and rejects as it reads; returns the ledger row."""
    ledger = Ledger(file, lines)
    file_field = csv_field(file)
    csv(CSV_HEADER)

    def reject(number, reason):
        rejects(f'{file_field},{number},{csv_field(reason)},{csv_field(text(raw.read(number)))}\n'.encode('latin1'))
        ledger.reject(number)

    # A dated line: its input line and 6 bytes, or a reason quoting a field of it.
    for index, (line, _) in enumerate(read_lines(dated, LINE_LIMIT + 256)):
        number = index + 1
        if line[:1] == b'!':
            reject(number, text(line[1:]))
            continue
        if len(line) < 17 or line[10:11] != b'\t' or line[16:17] != b'\t':
            raise SystemExit(f'Line {number} of the dated records of {file} is not as the dates step writes it: {text(line)}')
        code, _, value = line[17:].partition(b'\t')
        description = descriptions.get(read_code(code))
        if description is None:
            reject(number, REASONS['code_unknown'](text(code)) if code else REASONS['code_empty']())
            continue
        number_text = normalise_value(value)
        if number_text is None:
            reject(number, REASONS['value_format'](text(value)) if value else REASONS['value_empty']())
            continue
        if len(number_text.partition(b'.')[0]) > VALUE_DIGITS:
            reject(number, REASONS['value_range'](text(value)))
            continue
        csv(b','.join([line[0:10], line[11:16], code, description, number_text, str(number).encode()]) + b'\n')
        ledger.row(number, line[0:10])
        if read_code(code) in glucose:
            ledger.reading(float(number_text))
    return ledger.close()


def main():
    codes, dated_path, records_path, csv_path, rejects_path, ledger_path = sys.argv[1:7]
    descriptions, glucose = read_code_list(codes)
    lines = count_file_lines(records_path)
    with open(dated_path, 'rb') as dated, open(records_path, 'rb') as records, open(csv_path, 'wb') as csv, open(rejects_path, 'wb') as rejects:
        ledger = translate(dated, RawLines(records), lines, descriptions, glucose, os.path.basename(records_path), csv.write, rejects.write)
    with open(ledger_path, 'wb') as handle:
        handle.write(ledger)


if __name__ == '__main__':
    main()
