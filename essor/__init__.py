"""ESSor — the regional platform of the social and solidarity economy."""
