"""V2G Home: vehicle-to-grid and home batteries that earn from spot prices."""
