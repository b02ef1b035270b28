/** Who may sign in, and their credentials (stored as hashes). */
import type { Role } from '../roles';

export interface User {
  id: number;
  username: string;
  name: string;
  role: Role;
  createdAt: Date;
}

export interface UserWithPassword extends User {
  passwordHash: string | null;
}

export interface ApiKey {
  id: number;
  userId: number;
  kind: 'session' | 'integration';
  name: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}
