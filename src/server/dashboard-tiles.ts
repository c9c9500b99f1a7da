import { registerDashboardTile } from './domains/dashboard';
import { memberBasicsTile, memberStructureTile } from './domains/member';
import { developmentPipelineTile } from './domains/development';
import { duesTile } from './domains/dues';
import { meetingTile } from './domains/meeting';
import { indexTile } from './domains/branch-index';
import { projectTile } from './domains/project';

/** What the big screen shows: each domain offers its tile from its own rollups (composition, like the index items). */
export function registerDashboardTiles() {
  for (const t of [memberBasicsTile, memberStructureTile, developmentPipelineTile, duesTile, meetingTile, indexTile, projectTile]) registerDashboardTile(t);
}
