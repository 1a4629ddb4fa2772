"""Step 2, `codes`: dated records to the patient's CSV and rejects.

    python3 translate_codes.py CODE_LIST DATED RECORDS CSV REJECTS

CSV: `date,time,code,description,value,line`; rejects (no header): `file,line,reason,record`,
quoting the record as read from RECORDS. Values lose their leading zeros (`009` -> `9`).
"""
import os
import re
import sys

from diabetes import CSV_HEADER, REASONS, csv_field, read_code, read_code_list, split_lines, text

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


def translate(dated, records, descriptions, file):
    raw = split_lines(records, strip_return=True)
    file_field = csv_field(file)
    csv = [CSV_HEADER]
    rejects = []

    def reject(number, reason):
        rejects.append(f'{file_field},{number},{csv_field(reason)},{csv_field(text(raw[number - 1]))}\n'.encode('latin1'))

    for index, line in enumerate(split_lines(dated, strip_return=False)):
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
        csv.append(b','.join([line[0:10], line[11:16], code, description, number_text, str(number).encode()]) + b'\n')
    return b''.join(csv), b''.join(rejects)


def main():
    codes, dated_path, records_path, csv_path, rejects_path = sys.argv[1:6]
    descriptions, _ = read_code_list(codes)
    with open(dated_path, 'rb') as handle:
        dated = handle.read()
    with open(records_path, 'rb') as handle:
        records = handle.read()
    csv, rejects = translate(dated, records, descriptions, os.path.basename(records_path))
    with open(csv_path, 'wb') as handle:
        handle.write(csv)
    with open(rejects_path, 'wb') as handle:
        handle.write(rejects)


if __name__ == '__main__':
    main()
