"""Step 3, `rejects`: every patient's rejects in one file under the header.

    python3 collect_rejects.py OUTPUT PART...
"""
import sys

from diabetes import REJECTS_HEADER


def main():
    output, *parts = sys.argv[1:]
    with open(output, 'wb') as out:
        out.write(REJECTS_HEADER)
        for part in parts:
            with open(part, 'rb') as handle:
                out.write(handle.read())


if __name__ == '__main__':
    main()
