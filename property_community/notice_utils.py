"""Pure rules of notices and satisfaction surveys, tested without a database."""


def window_is_valid(start, end):
    """A publish window is valid when it has no end, or ends after it starts."""
    return not (start and end and end <= start)


def in_window(moment, start, end):
    """Whether a moment lies in the window [start, end): no start means
    "not published yet", no end means "until further notice"."""
    if not start or moment < start:
        return False
    return not end or moment < end


def chunked(items, size):
    """The items in consecutive lists of at most ``size``."""
    if size < 1:
        raise ValueError("chunk size must be positive")
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]
