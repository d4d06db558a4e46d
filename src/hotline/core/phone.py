"""Masking of citizens' phone numbers for lists and exports."""


def mask_phone(phone: str) -> str:
    """Keep the first 3 and last 4 digits of a mobile number: 13812341234 -> 138****1234."""
    digits = phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 7:
        return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"
    if not digits:
        return ""
    return "*" * len(digits)
