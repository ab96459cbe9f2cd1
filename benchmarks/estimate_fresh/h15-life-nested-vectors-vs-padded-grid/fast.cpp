#include <bits/stdc++.h>
using namespace std;

// Game of life on two flat byte grids with a dead border; no bounds checks, no copies.
int main() {
    int r, c, t;
    cin >> r >> c >> t;
    int w = c + 2;
    vector<unsigned char> cur((r + 2) * w, 0), nxt((r + 2) * w, 0);
    for (int i = 0; i < r; i++) {
        string row;
        cin >> row;
        for (int j = 0; j < c; j++) cur[(i + 1) * w + j + 1] = row[j] == '#';
    }
    for (int step = 0; step < t; step++) {
        for (int i = 1; i <= r; i++) {
            const unsigned char *up = &cur[(i - 1) * w], *mid = &cur[i * w], *down = &cur[(i + 1) * w];
            unsigned char *out = &nxt[i * w];
            for (int j = 1; j <= c; j++) {
                int alive = up[j - 1] + up[j] + up[j + 1] + mid[j - 1] + mid[j + 1] + down[j - 1] + down[j] + down[j + 1];
                out[j] = alive == 3 || (alive == 2 && mid[j]);
            }
        }
        swap(cur, nxt);
    }
    long long count = 0, hash = 0;
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++)
            if (cur[(i + 1) * w + j + 1]) { count++; hash = (hash * 7 + i * c + j) % 1000000007; }
    cout << count << " " << hash << "\n";
    return 0;
}
