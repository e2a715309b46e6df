"""Rankings through the API (contract.md): to be built with the rankings area."""
