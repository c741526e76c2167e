"""pmpath inside the systems around it: LTI 1.3 Advantage (a tool inside Moodle, Canvas,
Brightspace or Open edX), Open Badges 3.0 (credentials a learner takes elsewhere) and xAPI
(statements sent to a learning record store).

Each standard has its own subpackage of pure rules (messages, claims, statements, credentials);
the services in :mod:`pmpath.services` open the transactions, and :mod:`pmpath.store` keeps the
rows (``tables_lti``, ``tables_badges``, ``tables_xapi``).
"""
