"""The province hub (`cdsxa-hub`): a web service the communes' PCs sync to (docs/hub.md).

Imports the sync rules, counting, common and its own database code; never the commune
app's UI, its data folder (cdsxa.profile) or its keyring (tests/test_layers.py checks).
"""
