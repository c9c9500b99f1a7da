import { registerPointSource } from './domains/points';
import { duesPointSource } from './domains/dues';
import { meetingPointSource } from './domains/meeting';
import { developmentPointSource } from './domains/development';
import { volunteerPointSource } from './domains/volunteer';
import { communityEvaluationPointSource } from './domains/community-report';

/** The facts points are awarded for: each domain offers its own (composition, like the routes). */
export function registerPointSources() {
  registerPointSource(duesPointSource);
  registerPointSource(meetingPointSource);
  registerPointSource(developmentPointSource);
  registerPointSource(volunteerPointSource);
  registerPointSource(communityEvaluationPointSource);
}
