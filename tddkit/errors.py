"""The errors a command can end with; the CLI turns each into one line and an exit status."""


class TddkitError(Exception):
    """Something the user can fix; the message says how. Never shown as a traceback."""

    exit_status = 2


class UsageError(TddkitError):
    """Bad input on the command line: an unknown kata, a wrong argument."""


class NotAWorkspace(TddkitError):
    """A learner command run outside a workspace."""


class StateError(TddkitError):
    """The state store cannot be read or written."""


class WorkspaceError(TddkitError):
    """The workspace's files cannot be changed as asked: a full disk, a read-only folder."""
