"""Self-assessment: the indicator catalogue, forms, ratings, scores and action programmes."""
