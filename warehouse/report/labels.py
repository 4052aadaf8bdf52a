"""Short labels for chart axes; the full wording stays in each figure's table.

The appendix asks much the same questions of each practice ("Have you defined how ... can
enhance services", "Is multi agency training ... available"), so a question's short label is
found by the first theme its wording matches. A question no theme matches is labelled by its
number alone, and `short_question` says so by returning no theme (tests/report check that every
question of the warehouse has one).
"""

from __future__ import annotations

import re

# (pattern in the question's wording, short label); first match wins, so the narrow themes come first
QUESTION_THEMES: tuple[tuple[str, str], ...] = (
    (r"opportunity to influence", "Chance to influence"),
    (r"support and supervision", "Support, supervision"),
    (r"at risk of not meeting", "At-risk young involved"),
    (r"removed barriers", "Barriers removed"),
    (r"infrastructure", "Infrastructure"),
    (r"common service standards", "Common standards"),
    (r"how far advanced", "Models developed"),
    (r"outreach", "Outreach"),
    (r"shared vision", "Shared vision"),
    (r"earlier and more flexible", "Earlier support"),
    (r"leaders and managers support", "Leaders support it"),
    (r"review and improve", "Reviewed, improved"),
    (r"robust arrangements", "Robust arrangements"),
    (r"information security", "Information security"),
    (r"when and how to share", "Know when to share"),
    (r"expertise", "Expertise valued"),
    (r"better outcomes", "Better outcomes"),
    (r"training", "Training available"),
    (r"induction", "Promoted in induction"),
    (r"robust process for assessing", "Robust assessment"),
    (r"continuum of assessment", "Assessment continuum"),
    (r"early identification", "Early identification"),
    (r"best support packages", "Finds best support"),
    (r"where the CAF sits", "CAF's place known"),
    (r"central to decision", "Families decide"),
    (r"say in choosing", "Families choose LP"),
    (r"coordinated support packages", "Used for support"),
    (r"being used in your setting", "Approach in use"),
    (r"fully developed|approach .*developed\?", "Fully developed"),
    (r"guidance|procedures", "Guidance to hand"),
    (r"^have you defined how", "Benefits defined"),
)


def question_theme(question_text: str) -> str | None:
    for pattern, label in QUESTION_THEMES:
        if re.search(pattern, question_text, re.IGNORECASE):
            return label
    return None


def short_question(question_id: int, question_text: str) -> str:
    """'Q9 Shared vision': the question's number and its theme in a few words."""
    theme = question_theme(question_text)
    return f"Q{int(question_id)} {theme}" if theme else f"Q{int(question_id)}"


def short_response(label: str) -> str:
    """'5 - integrated and high quality' -> '5 integrated'; 'Not applicable' -> 'N/A'."""
    if label.strip().lower() == "not applicable":
        return "N/A"
    match = re.fullmatch(r"(\d)\s*[-–]\s*(\S+).*", label.strip())
    return f"{match[1]} {match[2]}" if match else label.strip()


def short_band(label: str) -> str:
    """'2.5 and up to 2.8' -> '2.5 to 2.8'; 'Below 2.5' and '3.5 and above' keep their words."""
    return re.sub(r" and up to ", " to ", label)


def short_place(name: str, limit: int = 24) -> str:
    """A cluster's name, or, when longer than `limit` characters, its first place and 'etc.'
    ('Totnes, Dartmouth & Kingsbridge' -> 'Totnes etc.'); the full name stays in the table."""
    if len(name) <= limit:
        return name
    return re.split(r",\s*|\s+&\s+", name, maxsplit=1)[0] + " etc."
