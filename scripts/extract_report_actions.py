"""Extract every « piste d'action » of the 2016 état des lieux into
essor/consultation/data/report_actions.json.

    python scripts/extract_report_actions.py [REPORT] [OUTPUT]

The report text (shared/seeds/000_9478e8e6ea56f56e.txt) is a PDF-to-text copy: one
paragraph per line, the three axes as « 1_ ENTREPRENDRE », chapters in capitals, then
themes, each with its introduction, an « Exemple d'initiative » box and a « Pistes
d'action » list. Three themes of « Coopérer » lost their « Pistes d'action » heading in
the extraction (MISSING_HEADING below: their pistes follow the example directly), one
piste was cut in two lines (JOINED), and two chapter headings are glued to their first theme (« …GOUVERNANCE**Dynamiser… »).
Emphasis markers (*, **) are removed from the text, as in the other files of the report
(essor/core/data/README.md); nothing else is changed."""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT.parent / "shared" / "seeds" / "000_9478e8e6ea56f56e.txt"
OUTPUT = ROOT / "essor" / "consultation" / "data" / "report_actions.json"

AXES = {"1_ ENTREPRENDRE": "Entreprendre", "2_ COOPÉRER": "Coopérer", "3_ INNOVER": "Innover"}
END = "CONCLUSION"
PISTES = "Pistes d'action"
EXAMPLE = "Exemple d'initiative"
# Themes whose pistes follow the example box without a heading: the first words of the
# first piste of each.
MISSING_HEADING = (
    "Soutenir l'émergence de projets innovants entre les acteurs de l'ESS et les élus locaux",
    "Mettre en place des organes consultatifs d'habitants",
    "Animer une délégation à l'ESS en région ALPC",
)
# A piste cut in two by the extraction: its first line, which the next one completes.
JOINED = ("Développer une offre de formations courtes",)


def plain(text):
    return re.sub(r"\*+", "", text).strip()


def paragraphs(lines):
    """(line number, text) of every non-empty line, glued headings split in two."""
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        glued = re.match(r"^([^a-z*]+)\*\*(.+)\*\*$", line)
        if glued:
            yield number, glued.group(1).strip()
            yield number, glued.group(2).strip()
        else:
            yield number, line


def is_chapter(text):
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters) and text not in AXES


def is_theme(items, index):
    """A theme heading: a line not ending a sentence, followed by its introduction (one or
    more paragraphs) and an example box or a pistes list."""
    text = plain(items[index][1])
    if text.endswith((".", ",", ":", ")", "…")) or text.startswith(("- ", *JOINED)):
        return False
    following = [t for _, t in items[index + 1 : index + 6]]
    return (
        bool(following)
        and not is_chapter(following[0])
        and any(t in (EXAMPLE, PISTES) for t in following[1:])
    )


def extract(text):
    items = list(paragraphs(text.splitlines()))
    actions = []
    axis = chapter = theme = None
    theme_line = None
    collecting = False
    index = 0
    while index < len(items):
        number, line = items[index]
        index += 1
        if line == END and axis:
            break
        if line in AXES:
            axis, chapter, theme, collecting = AXES[line], None, None, False
            continue
        if axis is None:
            continue
        if is_chapter(line):
            chapter, theme, collecting = line, None, False
            continue
        if line == PISTES:
            collecting = True
            continue
        if line == EXAMPLE:
            collecting = False
            continue
        if line.startswith(MISSING_HEADING):
            collecting = True
        if not collecting:
            if chapter and is_theme(items, index - 1):
                theme, theme_line = plain(line), number
            continue
        if is_theme(items, index - 1):
            theme, theme_line, collecting = plain(line), number, False
            continue
        if line.startswith(JOINED):
            following = items[index][1]
            index += 1
            line = f"{line} {following}"
        actions.append(
            {
                "number": len(actions) + 1,
                "axis": axis,
                "chapter": chapter,
                "theme": theme,
                "text": plain(line),
                "source_line": number,
                "theme_line": theme_line,
            }
        )
    return actions


def main(argv):
    report = Path(argv[1]) if len(argv) > 1 else REPORT
    output = Path(argv[2]) if len(argv) > 2 else OUTPUT
    actions = extract(report.read_text(encoding="utf-8"))
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "about": "Every « piste d'action » of the 2016 état des lieux, in the report's order, "
        "made by scripts/extract_report_actions.py (emphasis markers removed).",
        "source": "shared/seeds/000_9478e8e6ea56f56e.txt",
        "actions": actions,
    }
    output.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    by_axis = {}
    for action in actions:
        by_axis[action["axis"]] = by_axis.get(action["axis"], 0) + 1
    print(len(actions), by_axis)


if __name__ == "__main__":
    main(sys.argv)
