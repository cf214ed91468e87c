"""The estate register: subdistrict > community > compound > building > household, residents and
their residencies, management plans, service contracts and the renovation record; its checks and read
scopes (permissions), reads (selectors), writes (services), API and pages."""
