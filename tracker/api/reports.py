"""Meeting reports through the API (contract.md): to be built with the reports area."""
