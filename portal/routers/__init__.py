"""The portal's routers, one per area: auth, dossier, calendar (ICS), stop, password."""
