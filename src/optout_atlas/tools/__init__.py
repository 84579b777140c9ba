"""The maintainers' tools: the ``optout-atlas`` command and the modules only it uses.

Nothing in this sub-package is loaded by a site build. The build needs the modules one level up
(loading, validation, localisation, rendering); the commands here read the same data to help
the people who keep it: ``new`` starts a platform file, ``translations`` keeps the catalogs in
step, ``freshness`` lists what is stale, ``check-site`` and ``check-links`` look for broken
links, ``watch`` reports changes to the platforms' own documents.
"""
