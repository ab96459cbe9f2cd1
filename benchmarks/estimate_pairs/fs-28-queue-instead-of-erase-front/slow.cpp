#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    vector<int> people;
    for (int i = 1; i <= n; i++) people.push_back(i);
    while (people.size() > 1) {
        for (int step = 1; step < k; step++) {
            people.push_back(people.front());
            people.erase(people.begin());
        }
        people.erase(people.begin());
    }
    printf("%d\n", people[0]);
    return 0;
}
