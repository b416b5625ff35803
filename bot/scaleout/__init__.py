"""The scale-out profile (`make run-scaled`): several Rasa instances and action servers
behind nginx, under supervisord, sharing PostgreSQL, Redis and RabbitMQ
(docs/scale-out.md).
"""
