#include <cstdio>

int main() {
    int dist[100000] = {1};
    printf("%d %d\n", dist[0], dist[1]);
}
