-- Over which transports the device is connected now (empty: not connected), from its presence events.
ALTER TABLE device_view ADD COLUMN connected_via TEXT[] NOT NULL DEFAULT '{}';
