"""The scale-out profile (`make run-scaled`): several Rasa instances and action servers
behind a small load balancer, sharing PostgreSQL, Redis and RabbitMQ (docs/scale-out.md).
"""
