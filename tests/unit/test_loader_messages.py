"""Every error branch of the bank loader, pinned to the exact line the user sees: path:line: kind 'id': message."""
