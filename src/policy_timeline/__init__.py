"""policy-timeline: follow a policy story through its dates."""

__version__ = "0.1.0"
