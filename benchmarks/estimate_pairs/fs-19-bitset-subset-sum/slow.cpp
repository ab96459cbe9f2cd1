#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    const int LIMIT = 100000;
    vector<bool> reachable(LIMIT + 1, false);
    reachable[0] = true;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        for (int s = LIMIT; s >= x; s--)
            if (reachable[s - x]) reachable[s] = true;
    }
    int count = 0;
    for (int s = 0; s <= LIMIT; s++) count += reachable[s];
    printf("%d\n", count);
    return 0;
}
