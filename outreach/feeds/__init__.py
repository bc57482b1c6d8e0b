"""What contacts publish: their feeds, the posts read from them, and the openings those posts offer."""
