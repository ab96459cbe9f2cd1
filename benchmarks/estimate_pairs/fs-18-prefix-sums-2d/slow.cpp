#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int h, w, q;
    scanf("%d %d %d", &h, &w, &q);
    vector<vector<int>> g(h, vector<int>(w));
    for (auto &row : g)
        for (auto &x : row) scanf("%d", &x);
    while (q--) {
        int r1, c1, r2, c2;
        scanf("%d %d %d %d", &r1, &c1, &r2, &c2);
        long long s = 0;
        for (int r = r1; r <= r2; r++)
            for (int c = c1; c <= c2; c++) s += g[r][c];
        printf("%lld\n", s);
    }
    return 0;
}
