#include <cstdio>
#include <queue>
using namespace std;

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    queue<int> people;
    for (int i = 1; i <= n; i++) people.push(i);
    while (people.size() > 1) {
        for (int step = 1; step < k; step++) {
            people.push(people.front());
            people.pop();
        }
        people.pop();
    }
    printf("%d\n", people.front());
    return 0;
}
