"""Other editions of a report: its published versions (`versions`) and its translations (`translations`)."""
