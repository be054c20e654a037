"""The web application: units, verifiers, coordinators and auditors, over the services."""
