-- The last sequence number of each device's presence stream (DeviceConnected / DeviceDisconnected), appended
-- without loading an aggregate, under the device row's lock.
ALTER TABLE device_registry ADD COLUMN presence_seq BIGINT NOT NULL DEFAULT -1;
ALTER TABLE device_registry ADD COLUMN presence_via TEXT[] NOT NULL DEFAULT '{}';
