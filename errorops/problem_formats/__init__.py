"""Output formats for problems; each module has ``format(problems) -> str``."""

from . import github, standard

FORMATS = {"standard": standard, "github": github}
