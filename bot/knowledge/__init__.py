"""Knowledge without Rasa: municipalities, services, facts, the service finder, the IKZ calculator."""
