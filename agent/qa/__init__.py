"""Questions over the customer evidence: hybrid retrieval, cited answers, `icp ask`, `icp chat`."""
