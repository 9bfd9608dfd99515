import { PORT_VARIABLES, type Ports } from '../../config/env';
import { freePort } from '../../scripts/servers/process';

/** A distinct free port for every port config/env.ts resolves, to run `npm start`'s system beside anything else. */
export async function freePorts(): Promise<Ports> {
  const ports = {} as Ports;
  for (const key of Object.keys(PORT_VARIABLES) as Array<keyof Ports>) {
    let port = await freePort();
    while (Object.values(ports).includes(port)) port = await freePort();
    ports[key] = port;
  }
  return ports;
}
