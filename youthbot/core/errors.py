"""Domain outcomes that handlers turn into kind, translated replies."""


class DomainError(Exception):
    """Base for outcomes a person is told about; nothing is changed when one is raised."""


class NotFound(DomainError):
    pass


class NotAllowed(DomainError):
    pass


class InviteInvalid(DomainError):
    """The invite code does not exist, was used, or has expired."""
