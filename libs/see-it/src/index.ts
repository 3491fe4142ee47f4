export * from './devices/devices.service';
export * from './see-it.enums';
export * from './see-it.module';
