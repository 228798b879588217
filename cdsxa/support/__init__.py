"""Helping citizens: the topic catalogue and the sessions teams record."""
