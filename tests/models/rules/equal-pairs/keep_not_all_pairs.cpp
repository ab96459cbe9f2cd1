#include <iostream>
using namespace std;

int main() {
    int a[5] = {1, 1, 1, 2, 1};
    int same = 0;
    for (int i = 0; i < 5; i++)
        for (int j = i + 2; j < 5; j++)
            if (a[i] == a[j]) same++;
    cout << same << "\n";
}
