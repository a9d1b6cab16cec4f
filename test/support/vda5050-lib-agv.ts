/**
 * An AGV we did not write, as its own process: vda-5050-lib 1.4.0's AgvController with its
 * VirtualAgvAdapter (spec page part B), on the broker in VDA_BROKER, as VDA_MANUFACTURER / VDA_SERIAL,
 * standing at x=0, y=0 on node `n0` of map `local`. Prints `ready` once online. Tests kill it with
 * SIGKILL to see the broker's last will; SIGTERM stops it gracefully (OFFLINE).
 */
import { AgvController, VirtualAgvAdapter } from 'vda-5050-lib';

const agv = new AgvController(
  { manufacturer: process.env.VDA_MANUFACTURER ?? 'Lib', serialNumber: process.env.VDA_SERIAL ?? '001' },
  {
    interfaceName: 'uagv',
    transport: { brokerUrl: process.env.VDA_BROKER ?? 'mqtt://127.0.0.1:1883' },
    vdaVersion: '2.0.0',
  },
  { agvAdapterType: VirtualAgvAdapter },
  {
    initialPosition: { mapId: 'local', x: 0, y: 0, theta: 0, lastNodeId: 'n0' },
    vehicleSpeed: 2,
    timeLapse: 10,
  },
);
await agv.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void agv.stop().finally(() => process.exit(0));
});
