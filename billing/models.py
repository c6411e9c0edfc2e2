# Models arrive with this app's issue; the app is installed now so the schema has one home.
