"""What an operator deploys around the bot: the nginx edge (deploy/nginx)."""
