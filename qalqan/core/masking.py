"""Masking personal data for public answers and logs."""
import re

IIN_PATTERN = re.compile(r"(?<!\d)(\d{6})(\d{6})(?!\d)")


def mask_iin(iin: str) -> str:
    """900101300007 → 900101******: the birth date part stays, the serial and check digit go."""
    return f"{iin[:6]}******" if len(iin) == 12 else "************"


def mask_name(last_name: str, first_name: str = "", middle_name: str = "") -> str:
    """Иванов Иван Иванович → Иван И. И.: enough to recognise oneself, not to identify a stranger."""
    initials = " ".join(f"{part[0]}." for part in (last_name, middle_name) if part)
    return f"{first_name} {initials}".strip()


def mask_iins_in_text(text: str) -> str:
    return IIN_PATTERN.sub(lambda m: f"{m.group(1)}******", text)
