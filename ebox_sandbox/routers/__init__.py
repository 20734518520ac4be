"""The sandbox's routes, one module per area: the real API's sender paths (``oauth``,
``publication``, ``federation``), and the sandbox's own ``admin`` API and ``mailbox`` views."""
