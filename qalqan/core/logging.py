import logging

from .masking import mask_iins_in_text


class MaskIinFilter(logging.Filter):
    """No ИИН reaches a log line: any 12-digit run is masked after the message is formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_iins_in_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
