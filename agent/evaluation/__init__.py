"""The eval suite: gold-labelled research corpora, metrics with explanations, and `icp eval`."""
