"""The booking dialogue: the `book` and `manage_booking` step kinds (`book_step.py`,
`manage_step.py`), which type and practitioner a caller picks (`choice.py`), the offer and
confirm stages they share (`slots.py`), and what they say (`phrases.py`)."""
