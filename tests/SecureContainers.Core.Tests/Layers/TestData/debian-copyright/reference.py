# Independent reference: python3-debian's copyright parser; per Files stanza, split the synopsis on or/and/commas.
import sys, re, warnings
warnings.simplefilter("ignore")
from debian import copyright as c
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            cp = c.Copyright(f, strict=False)
    except c.NotMachineReadableError:
        print(path.split("/")[-1] + "\tFREEFORM"); continue
    except Exception as e:
        print(path.split("/")[-1] + "\tERROR " + str(e)); continue
    names = {}
    for fp in cp.all_files_paragraphs():
        syn = fp.license.synopsis
        # split on conjunctions, keeping "with ... exception" terms whole
        parts = re.split(r",?\s+(?:or|and)\s+", syn.strip(), flags=re.I)
        for p in parts:
            p = p.strip().rstrip(",")
            names.setdefault(p.lower(), p)
    print(path.split("/")[-1] + "\t" + "|".join(sorted(names.values())))
